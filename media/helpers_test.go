package media

import (
	"encoding/binary"
	"hash/crc32"
	"runtime/metrics"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func be32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// heapAllocated returns the bytes allocated on the heap so far by the whole
// process; the fuzz tests compare it before and after one parse.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
