// Package live owns the live-video media work of the tester: H.264 decoding
// and encoding through libavcodec (go-astiav on the system FFmpeg), RTMP
// read and publish helpers on gortmplib, the synthetic test signal whose
// timing survives a model restyling every frame, and the relay that plays a
// simulated orchestrator's model.
//
// Frames cross the package boundary as Go *image.YCbCr (4:2:0), copied out of
// libav's buffers so callers may keep them. RTMP URLs may carry user:pass@ as
// gortmplib reads them.
package live
