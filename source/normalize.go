package source

import "strings"

// Normalize returns s with a leading UTF-8 byte order mark removed and every
// CRLF or lone CR line ending turned into LF, so that a file checked out on
// Windows reads as on Linux.
func Normalize(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
