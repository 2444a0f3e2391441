package live

// NALU helpers. gortmplib hands access units over as NALUs without start
// codes (AVCC unpacked); libx264 emits Annex-B byte streams. The decoder is
// fed Annex-B, the RTMP writer wants bare NALUs.

var startCode = []byte{0, 0, 0, 1}

// appendAnnexB appends the NALUs of an access unit to dst as an Annex-B byte
// stream. A NALU that already begins with a start code is copied as is, so
// callers may pass either form.
func appendAnnexB(dst []byte, au [][]byte) []byte {
	for _, nalu := range au {
		if len(nalu) == 0 {
			continue
		}
		if !hasStartCode(nalu) {
			dst = append(dst, startCode...)
		}
		dst = append(dst, nalu...)
	}
	return dst
}

func hasStartCode(b []byte) bool {
	return (len(b) >= 3 && b[0] == 0 && b[1] == 0 && b[2] == 1) ||
		(len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 1)
}

// splitAnnexB splits an Annex-B byte stream into its NALUs (without start
// codes), appending them to dst, which is returned. The NALUs alias b. Bytes
// before the first start code are ignored; empty NALUs are dropped. Trailing
// zero bytes of a NALU (trailing_zero_8bits, or the leading zero of a 4-byte
// start code) are trimmed.
func splitAnnexB(dst [][]byte, b []byte) [][]byte {
	start := -1
	i := 0
	for i+2 < len(b) {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				dst = appendNALU(dst, b[start:i])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 {
		dst = appendNALU(dst, b[start:])
	}
	return dst
}

func appendNALU(dst [][]byte, n []byte) [][]byte {
	for len(n) > 0 && n[len(n)-1] == 0 {
		n = n[:len(n)-1]
	}
	if len(n) == 0 {
		return dst
	}
	return append(dst, n)
}

// H.264 NAL unit types used here (ITU-T H.264 table 7-1).
const (
	naluIDR = 5
	naluSPS = 7
	naluPPS = 8
)

func naluType(n []byte) byte {
	if len(n) == 0 {
		return 0
	}
	return n[0] & 0x1f
}
