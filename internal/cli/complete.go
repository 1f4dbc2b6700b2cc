package cli

import (
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide/adopt"
	"github.com/tidemigrate/tide/source"
)

// registerCompletions gives the shell completion (tide completion SHELL)
// the values of --format, --lock and --env, and the versions of the
// migrations folder for --to, tide baseline and tide check.
func (a *app) registerCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("format", a.completeFormat)
	_ = root.RegisterFlagCompletionFunc("lock", cobra.FixedCompletions([]string{
		"auto\tsession lock where the database has one, table lock on SQLite",
		"session\tthe database's advisory lock",
		"table\ta lease row with a heartbeat (behind PgBouncer in transaction mode)",
	}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("env", a.completeEnv)
	for _, c := range root.Commands() {
		switch c.Name() {
		case "up", "down", "plan":
			_ = c.RegisterFlagCompletionFunc("to", a.completeVersions)
		case "baseline":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return a.completeVersions(cmd, args, toComplete)
			}
		case "check":
			c.ValidArgsFunction = a.completeVersions
		case "convert":
			formats := cobra.FixedCompletions(folderFormats(), cobra.ShellCompDirectiveNoFileComp)
			_ = c.RegisterFlagCompletionFunc("to", formats)
			_ = c.RegisterFlagCompletionFunc("from", formats)
		}
	}
}

// folderFormats lists the formats of a migrations folder.
func folderFormats() []string {
	var names []string
	for _, f := range source.Formats() {
		names = append(names, f.Name())
	}
	return names
}

func (a *app) completeFormat(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	names := folderFormats()
	if cmd.Name() == "adopt" { // the other tool, which may have no folder format
		for _, s := range adopt.Sources() {
			if !slices.Contains(names, s.Name()) {
				names = append(names, s.Name())
			}
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// completeEnv lists the [env.NAME] sections of the configuration file.
func (a *app) completeEnv(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	if err := a.resolveSetting(a.setting("config"), nil); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	path := a.flags.config
	if path == "" {
		path = configFileName
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	f, _, err := parseConfig(path, data, a.settings)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return f.envs, cobra.ShellCompDirectiveNoFileComp
}

// completeVersions lists the versions of the migrations folder, each with
// its name.
func (a *app) completeVersions(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	if a.resolve(false) != nil || a.setupFormat(cmd) != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	a.flags.quiet = true // no notes while the shell completes
	fsys, err := a.migrationsFS()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	f, err := a.readFormat(fsys)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	files, err := f.Read(fsys)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, file := range files {
		if !file.Repeatable {
			out = append(out, file.Version.String()+"\t"+file.Name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}
