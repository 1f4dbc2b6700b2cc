package source

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Checksum returns the hex SHA-256 of content after normalising line
// endings (CRLF and lone CR become LF) and dropping a UTF-8 byte order mark,
// so that a file checked out on Windows has the same checksum as on Linux.
func Checksum(content []byte) string {
	s := Normalize(string(content))
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Normalize returns s with a leading UTF-8 byte order mark removed and every
// CRLF or lone CR line ending turned into LF.
func Normalize(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
