package dirfs

import (
	"errors"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// A ring is an io_uring instance that reads batches of files: the opens
// of a batch go to the kernel in one system call, then the reads and
// closes in another, where a file read by itself costs four. Everything
// the kernel writes to (the rings, the read buffers) and reads from (the
// paths) is memory mapped outside the Go heap, so that no garbage
// collection can ever hand it to something else while the kernel holds
// it.
type ring struct {
	fd             int
	rings, sqeMem  []byte // the mapped SQ and CQ rings, and the SQ entries
	arena          []byte // the mapped paths, read buffers and probes of one batch
	sqTail, sqHead *uint32
	sqMask         uint32
	sqes           []sqe
	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           []cqe
}

// Sizes of a batch: the files read at once, the buffer of each (larger
// files are read again by themselves) and the room for their paths, NUL
// terminated (a path that does not fit is read by itself too).
const (
	batchFiles = 64
	bufSize    = 16 << 10
	pathsSize  = 32 << 10
	ringSize   = 4 * batchFiles // SQ entries: three per file in the second step
	arenaSize  = batchFiles*(bufSize+1) + pathsSize
)

// maxRings bounds the rings of one ReadFiles, and so the memory they map
// (about 1 MiB each), on a machine with many processors.
const maxRings = 4

// The kernel's ABI (linux/io_uring.h).
const (
	sysIOUringSetup = 425
	sysIOUringEnter = 426

	opOpenat = 18
	opClose  = 19
	opRead   = 22

	sqeIOHardlink  = 1 << 3
	enterGetEvents = 1 << 0

	featSingleMmap = 1 << 0
	featNoDrop     = 1 << 1
	featRWCurPos   = 1 << 3

	offSQRing = 0
	offSQEs   = 0x10000000

	atFDCWD = -100
)

type sqe struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64
	addr        uint64
	len         uint32
	opFlags     uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	fileIndex   uint32
	addr3       uint64
	_           uint64
}

type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

type ringOffsets struct {
	head, tail, mask, entries, flags, dropped, array, _ uint32
	_                                                   uint64
}

type cqOffsets struct {
	head, tail, mask, entries, overflow, cqes, flags, _ uint32
	_                                                   uint64
}

type params struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	_                                                                      [3]uint32
	sq                                                                     ringOffsets
	cq                                                                     cqOffsets
}

var _ [64]byte = [unsafe.Sizeof(sqe{})]byte{}
var _ [120]byte = [unsafe.Sizeof(params{})]byte{}

// errNoRing reports a kernel without what the ring needs (io_uring with
// one mapping for both rings, no dropped completions and reads at the
// file position: Linux 5.6), or where io_uring is not allowed.
var errNoRing = errors.New("io_uring unavailable")

// newRing sets up a ring, or returns an error when the kernel cannot.
func newRing() (*ring, error) {
	var p params
	fd, _, errno := syscall.Syscall(sysIOUringSetup, ringSize, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errNoRing // ENOSYS, EPERM (seccomp, sysctl), ENOMEM...
	}
	r := &ring{fd: int(fd)}
	if want := uint32(featSingleMmap | featNoDrop | featRWCurPos); p.features&want != want || p.sqEntries < 3*batchFiles || p.cqEntries < 3*batchFiles {
		r.close()
		return nil, errNoRing
	}
	size := max(p.sq.array+4*p.sqEntries, p.cq.cqes+p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	var err error
	if r.rings, err = syscall.Mmap(r.fd, offSQRing, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE); err != nil {
		r.close()
		return nil, errNoRing
	}
	if r.sqeMem, err = syscall.Mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(sqe{})), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_POPULATE); err != nil {
		r.close()
		return nil, errNoRing
	}
	// Populated at once: one system call rather than a page fault for each
	// page the kernel or the paths touch first.
	if r.arena, err = syscall.Mmap(-1, 0, arenaSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_POPULATE); err != nil {
		r.close()
		return nil, errNoRing
	}
	base := unsafe.Pointer(&r.rings[0])
	u32 := func(off uint32) *uint32 { return (*uint32)(unsafe.Add(base, off)) }
	r.sqHead, r.sqTail, r.sqMask = u32(p.sq.head), u32(p.sq.tail), *u32(p.sq.mask)
	r.cqHead, r.cqTail, r.cqMask = u32(p.cq.head), u32(p.cq.tail), *u32(p.cq.mask)
	r.cqes = unsafe.Slice((*cqe)(unsafe.Add(base, p.cq.cqes)), p.cqEntries)
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&r.sqeMem[0])), p.sqEntries)
	array := unsafe.Slice((*uint32)(unsafe.Add(base, p.sq.array)), p.sqEntries)
	for i := range array {
		array[i] = uint32(i) // entry i of the ring is SQE i
	}
	return r, nil
}

// close releases the ring. It must only be called when no request is in
// flight.
func (r *ring) close() {
	for _, m := range [][]byte{r.arena, r.sqeMem, r.rings} {
		if m != nil {
			_ = syscall.Munmap(m)
		}
	}
	_ = syscall.Close(r.fd)
}

// The parts of the arena: the buffer and the probe of the file at index
// i of a batch, and the room for the paths of the batch.
func (r *ring) buf(i int) []byte { return r.arena[i*bufSize : (i+1)*bufSize] }
func (r *ring) probe(i int) []byte {
	off := batchFiles*bufSize + i
	return r.arena[off : off+1]
}
func (r *ring) paths() []byte { return r.arena[batchFiles*(bufSize+1):] }

// read reads the files at paths (at most batchFiles) into out, skipping
// the empty paths. A file the ring cannot read whole in one go (an
// error, paths too long for the room, a file larger than its buffer, a
// file that grew) is left nil with ok false, for the caller to read by
// itself, which also gives its error.
// An error means the ring is broken and must not be used again, nor
// closed: requests may still be in flight.
func (r *ring) read(paths []string, out [][]byte, ok []bool) error {
	// Step 1: open every file.
	n := 0
	fds := make([]int32, len(paths))
	room := r.paths()
	for i, p := range paths {
		fds[i] = -1
		if p == "" || len(p) >= len(room) {
			continue
		}
		copy(room, p)
		room[len(p)] = 0
		r.push(sqe{opcode: opOpenat, fd: atFDCWD, addr: uint64(uintptr(unsafe.Pointer(&room[0]))),
			opFlags: syscall.O_RDONLY | syscall.O_CLOEXEC, userData: uint64(i)})
		room = room[len(p)+1:]
		n++
	}
	if err := r.run(n, func(c cqe) { fds[c.userData] = c.res }); err != nil {
		return err
	}
	// Step 2: read each file, read again to see its end, close it. The
	// reads are hard-linked, so that the close runs whatever they return.
	n1 := make([]int32, len(paths))
	n2 := make([]int32, len(paths))
	n = 0
	for i, fd := range fds {
		if fd < 0 {
			continue
		}
		b, p := r.buf(i), r.probe(i)
		r.push(sqe{opcode: opRead, flags: sqeIOHardlink, fd: fd, off: ^uint64(0), addr: uint64(uintptr(unsafe.Pointer(&b[0]))), len: uint32(len(b)), userData: uint64(i)<<2 | 1})
		r.push(sqe{opcode: opRead, flags: sqeIOHardlink, fd: fd, off: ^uint64(0), addr: uint64(uintptr(unsafe.Pointer(&p[0]))), len: uint32(len(p)), userData: uint64(i)<<2 | 2})
		r.push(sqe{opcode: opClose, fd: fd, userData: uint64(i)<<2 | 3})
		n += 3
	}
	err := r.run(n, func(c cqe) {
		switch i := c.userData >> 2; c.userData & 3 {
		case 1:
			n1[i] = c.res
		case 2:
			n2[i] = c.res
		}
	})
	if err != nil {
		return err
	}
	for i, fd := range fds {
		// The whole file: shorter than the buffer, then nothing more.
		if ok[i] = fd >= 0 && n1[i] >= 0 && n1[i] < bufSize && n2[i] == 0; ok[i] {
			out[i] = append([]byte(nil), r.buf(i)[:n1[i]]...)
		}
	}
	return nil
}

// push queues e; the caller keeps the count below the ring's size.
func (r *ring) push(e sqe) {
	tail := *r.sqTail
	r.sqes[tail&r.sqMask] = e
	atomic.StoreUint32(r.sqTail, tail+1)
}

// run submits the n queued requests and hands each completion to done,
// once all n have completed.
func (r *ring) run(n int, done func(cqe)) error {
	for completed, stuck := 0, 0; completed < n; {
		pending := atomic.LoadUint32(r.sqTail) - atomic.LoadUint32(r.sqHead)
		_, _, errno := syscall.Syscall6(sysIOUringEnter, uintptr(r.fd), uintptr(pending), uintptr(n-completed), enterGetEvents, 0, 0)
		head, tail := *r.cqHead, atomic.LoadUint32(r.cqTail)
		switch {
		case errno == 0 || errno == syscall.EINTR || head != tail:
			stuck = 0
		case (errno == syscall.EAGAIN || errno == syscall.EBUSY) && stuck < 100:
			stuck++ // the kernel is short of memory: try again
		default:
			return errno
		}
		for ; head != tail; head++ {
			done(r.cqes[head&r.cqMask])
			completed++
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return nil
}
