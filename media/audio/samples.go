package audio

/*
#cgo pkg-config: libavutil
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>

// sample_at reads sample i of channel c as a float in [-1, 1], whatever the
// frame's sample format; interleaved formats hold channels side by side.
static float sample_at(const AVFrame *f, int fmt, int planar, int channels, int c, int i) {
	const uint8_t *p = planar ? f->extended_data[c] : f->extended_data[0];
	int k = planar ? i : i * channels + c;
	switch (fmt) {
	case AV_SAMPLE_FMT_U8: return ((float)p[k] - 128.0f) / 128.0f;
	case AV_SAMPLE_FMT_S16: return (float)((const int16_t *)p)[k] / 32768.0f;
	case AV_SAMPLE_FMT_S32: return (float)((const int32_t *)p)[k] / 2147483648.0f;
	case AV_SAMPLE_FMT_FLT: return ((const float *)p)[k];
	case AV_SAMPLE_FMT_DBL: return (float)((const double *)p)[k];
	}
	return 0;
}

// frame_to_mono averages a decoded frame's channels into out (at most cap
// samples) and returns how many it wrote, or -1 for a format it cannot read.
static int frame_to_mono(const AVFrame *f, float *out, int cap) {
	int channels = f->ch_layout.nb_channels;
	if (channels < 1 || f->extended_data == NULL) return -1;
	int fmt = av_get_packed_sample_fmt(f->format);
	if (fmt != AV_SAMPLE_FMT_U8 && fmt != AV_SAMPLE_FMT_S16 && fmt != AV_SAMPLE_FMT_S32 &&
		fmt != AV_SAMPLE_FMT_FLT && fmt != AV_SAMPLE_FMT_DBL) return -1;
	int planar = av_sample_fmt_is_planar(f->format);
	int n = f->nb_samples < cap ? f->nb_samples : cap;
	for (int i = 0; i < n; i++) {
		float sum = 0;
		for (int c = 0; c < channels; c++) sum += sample_at(f, fmt, planar, channels, c, i);
		out[i] = sum / channels;
	}
	return n;
}

// mono_to_frame writes n mono samples into every channel of an encoder's
// frame, in the frame's sample format (clipped to [-1, 1]).
static int mono_to_frame(AVFrame *f, const float *in, int n) {
	int channels = f->ch_layout.nb_channels;
	int fmt = av_get_packed_sample_fmt(f->format);
	int planar = av_sample_fmt_is_planar(f->format);
	for (int c = 0; c < channels; c++) {
		uint8_t *p = planar ? f->extended_data[c] : f->extended_data[0];
		for (int i = 0; i < n; i++) {
			float v = in[i] > 1 ? 1 : (in[i] < -1 ? -1 : in[i]);
			int k = planar ? i : i * channels + c;
			switch (fmt) {
			case AV_SAMPLE_FMT_S16: ((int16_t *)p)[k] = (int16_t)(v * 32767.0f); break;
			case AV_SAMPLE_FMT_S32: ((int32_t *)p)[k] = (int32_t)(v * 2147483647.0); break;
			case AV_SAMPLE_FMT_FLT: ((float *)p)[k] = v; break;
			default: return -1;
			}
		}
	}
	return 0;
}
*/
import "C"

import (
	"errors"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// appendMono appends the channel average of a decoded frame to dst, at most
// limit samples in all.
func appendMono(dst []float32, f *astiav.Frame, limit int) ([]float32, error) {
	room := min(f.NbSamples(), limit-len(dst))
	if room <= 0 {
		return dst, nil
	}
	start := len(dst)
	dst = append(dst, make([]float32, room)...)
	n := C.frame_to_mono((*C.AVFrame)(f.UnsafePointer()), (*C.float)(unsafe.Pointer(&dst[start])), C.int(room))
	if n < 0 {
		return dst[:start], errors.New("decoded samples in a format this reader does not take")
	}
	return dst[:start+int(n)], nil
}

// fillFrame writes mono samples into an encoder frame's every channel.
func fillFrame(f *astiav.Frame, in []float32) error {
	if len(in) == 0 {
		return nil
	}
	if C.mono_to_frame((*C.AVFrame)(f.UnsafePointer()), (*C.float)(unsafe.Pointer(&in[0])), C.int(len(in))) < 0 {
		return errors.New("encoder sample format not supported")
	}
	return nil
}
