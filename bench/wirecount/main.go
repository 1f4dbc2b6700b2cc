// Command wirecount counts the commands that a program sends to a MySQL or
// MariaDB server, by standing between them as a TCP proxy: it forwards
// every byte and reads the client's packets, counting each command (a
// packet with sequence number 0) by kind and, for queries, by statement
// shape. It is how bench/mysqlwire.sh counts the round trips of goose and
// golang-migrate, whose drivers cannot be wrapped, from outside.
//
//	wirecount -target 127.0.0.1:3306 -listen 127.0.0.1:3307 -- COMMAND ARGS...
//
// runs COMMAND (which must connect to the -listen address) and prints the
// counts when it exits. It reads plain connections only (no TLS) and
// counts COM_STMT_CLOSE and COM_QUIT, which the server does not answer,
// apart from the round trips.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
)

var (
	mu     sync.Mutex
	counts = map[string]int{}
	trips  int
)

var (
	numbers = regexp.MustCompile(`\b(t|noop)?\d+\b`)
	spaces  = regexp.MustCompile(`\s+`)
)

func shape(q string) string {
	q = spaces.ReplaceAllString(strings.TrimSpace(q), " ")
	q = numbers.ReplaceAllStringFunc(q, func(s string) string {
		if s[0] == 't' || s[0] == 'n' {
			return "tN"
		}
		return "N"
	})
	if len(q) > 90 {
		q = q[:90] + "…"
	}
	return q
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("wirecount: ")
	target := flag.String("target", "127.0.0.1:3306", "the server's address")
	listen := flag.String("listen", "127.0.0.1:3307", "the address to accept the program's connections on")
	per := flag.Int("per", 1, "divide the counts by this (the number of migrations)")
	verbose := flag.Bool("v", false, "pass on the command's standard error")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("no command to run")
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				proxy(c, *target)
			}()
		}
	}()
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if *verbose {
		cmd.Stderr = os.Stderr
	}
	runErr := cmd.Run()
	ln.Close()
	wg.Wait()
	report(*per)
	if runErr != nil {
		log.Fatal(runErr)
	}
}

// proxy forwards c to target and back, counting the commands of c.
func proxy(c net.Conn, target string) {
	defer c.Close()
	s, err := net.Dial("tcp", target)
	if err != nil {
		log.Print(err)
		return
	}
	defer s.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(c, s)
		c.Close()
		close(done)
	}()
	count(io.TeeReader(bufio.NewReader(c), s))
	s.(*net.TCPConn).CloseWrite()
	<-done
}

// count reads the client's packets from r until it ends.
func count(r io.Reader) {
	hdr := make([]byte, 4)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				log.Print(err)
			}
			return
		}
		n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		if hdr[3] != 0 || n == 0 { // not the start of a command
			continue
		}
		what, answered := "", true
		switch body[0] {
		case 0x03:
			what = shape(string(body[1:]))
		case 0x16:
			what = "(prepare) " + shape(string(body[1:]))
		case 0x17:
			what = "(execute prepared)"
		case 0x19:
			what, answered = "(close prepared, no answer)", false
		case 0x01:
			what, answered = "(quit, no answer)", false
		case 0x0e:
			what = "(ping)"
		case 0x1f:
			what = "(reset connection)"
		default:
			what = fmt.Sprintf("(command 0x%02x)", body[0])
		}
		mu.Lock()
		counts[what]++
		if answered {
			trips++
		}
		mu.Unlock()
	}
}

func report(per int) {
	type row struct {
		what string
		n    int
	}
	var rows []row
	for w, n := range counts {
		rows = append(rows, row{w, n})
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.what, b.what)
	})
	fmt.Printf("%d round trips, %.2f per migration\n", trips, float64(trips)/float64(per))
	for _, r := range rows {
		fmt.Printf("  %7.2f  %s\n", float64(r.n)/float64(per), r.what)
	}
}
