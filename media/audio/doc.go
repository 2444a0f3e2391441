// Package audio reads and writes audio files through libav (go-astiav on the
// system FFmpeg): Probe measures a file the way a Livepeer gateway does before
// it prices an audio-to-text job (the container's duration, read by libav),
// DecodeMono turns any container libav reads into mono samples, and Encode
// writes test audio in the containers a gateway takes (WAV, MP4/M4A, MP3,
// FLAC, Ogg).
//
// Everything works on bytes in memory, never on files, and every call bounds
// the work it does so that a hostile upload cannot make it run away.
package audio
