// Package analyzer measures the output of a live video-to-video stream as a
// viewer sees it: when the first frame arrived, how many frames per second
// arrive and how evenly, whether the picture freezes or goes black, how late
// the output is behind the input (end-to-end latency), and whether the
// "model" is really a pass-through that sends the input back.
//
// The measuring core is Meter, pure Go and fed one decoded frame at a time.
// It works on a subsample of the picture (every 4th luma pixel, every 8th in
// chroma) so that a stream at 512×512 and 30 fps costs a few hundredths of a
// percent of a core. Timing that must survive a model restyling every frame
// comes from the test signal: full-frame luminance flashes at known instants
// (a model may change colours and textures, but the whole frame still jumps
// in brightness) and, when it is still readable, a frame counter. The
// signal's side is reached through the small Reference interface, which
// media/live's Signal satisfies.
//
// Analyze is the glue: it reads an RTMP URL with media/live, feeds a Meter,
// and stops after a duration, when the stream ends, or when no frame comes.
//
// It must not import jobtester's models/, handlers/, jobs/ or simnet/.
package analyzer
