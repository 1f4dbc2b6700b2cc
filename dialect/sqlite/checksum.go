package sqlite

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"time"
)

// ChecksumFunction is the name of the aggregate SQL function that tide's
// backups on SQLite checksum rows with: tide_checksum(col1, col2, ...)
// returns, as decimal text, the sum over the rows of a 64-bit hash of
// each row's values ("0" for no rows). SQLite has no hash function of its
// own, so the program that opens the database registers it with its
// driver, backed by [RowSum]; for modernc.org/sqlite, package
// github.com/tidemigrate/tide/dialect/sqlite/modernc does it.
const ChecksumFunction = "tide_checksum"

// RowSum accumulates what [ChecksumFunction] returns: the exact sum of
// the FNV-1a hashes of rows, each row's values hashed with their types,
// so that the same rows in any order give the same sum. The zero value
// is an empty sum. It is not safe for concurrent use.
type RowSum struct {
	hi int64  // the high 64 bits of the 128-bit two's complement sum
	lo uint64 // its low 64 bits
	b  []byte // the encoding of the current row, reused
}

// Add adds the row of values (int64, float64, string, []byte, bool,
// time.Time or nil, as drivers give them) to the sum.
func (s *RowSum) Add(row []driver.Value) error {
	b := s.b[:0]
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			b = append(b, 0)
		case int64:
			b = binary.LittleEndian.AppendUint64(append(b, 1), uint64(v))
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, 2), math.Float64bits(v))
		case string:
			b = append(binary.AppendUvarint(append(b, 3), uint64(len(v))), v...)
		case []byte:
			b = append(binary.AppendUvarint(append(b, 4), uint64(len(v))), v...)
		case bool:
			b = append(b, 5, boolByte(v))
		case time.Time:
			t := v.UTC().Format(time.RFC3339Nano)
			b = append(binary.AppendUvarint(append(b, 6), uint64(len(t))), t...)
		default:
			return fmt.Errorf("%s: unexpected value of type %T", ChecksumFunction, v)
		}
	}
	s.b = b
	h := int64(fnv1a(b))
	lo := s.lo + uint64(h)
	if lo < s.lo {
		s.hi++
	}
	if h < 0 {
		s.hi--
	}
	s.lo = lo
	return nil
}

// Value returns the sum as decimal text.
func (s *RowSum) Value() string {
	v := new(big.Int).Lsh(big.NewInt(s.hi), 64)
	return v.Add(v, new(big.Int).SetUint64(s.lo)).String()
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// fnv1a is the 64-bit FNV-1a hash of b.
func fnv1a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}
