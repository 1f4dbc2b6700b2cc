package sqlite

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
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

// checksumMethod names the hash of [RowSum] in a backup's checksum.
const checksumMethod = "x64"

// RowSum accumulates what [ChecksumFunction] returns: the exact sum of
// 64-bit hashes of rows (a word-at-a-time multiply-rotate hash, finished
// by MurmurHash3's mix), each row's values hashed with their types, so
// that the same rows in any order give the same sum. The zero value is an
// empty sum. It is not safe for concurrent use.
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
	h := int64(hash64(b))
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

// The primes of xxHash64, whose short-input loop hash64 follows.
const (
	prime1 = 11400714785074694791
	prime2 = 14029467366897019727
	prime3 = 1609587929392839161
	prime4 = 9650029242287828579
	prime5 = 2870177450012600261
)

// hash64 hashes b eight bytes at a time, then the rest byte by byte, and
// mixes the result so that every bit of b reaches every bit of the hash.
func hash64(b []byte) uint64 {
	h := prime5 + uint64(len(b))
	for ; len(b) >= 8; b = b[8:] {
		k := binary.LittleEndian.Uint64(b) * prime2
		h ^= bits.RotateLeft64(k, 31) * prime1
		h = bits.RotateLeft64(h, 27)*prime1 + prime4
	}
	for _, c := range b {
		h ^= uint64(c) * prime5
		h = bits.RotateLeft64(h, 11) * prime1
	}
	h ^= h >> 33
	h *= prime2
	h ^= h >> 29
	h *= prime3
	return h ^ h>>32
}
