package simnet

import (
	"testing"

	"jobtester/media"
)

// BenchmarkHonestOutputs is the cost of what an honest simulated model
// makes per job, without the cache: the price of outputs that depend on
// every request.
func BenchmarkHonestOutputs(b *testing.B) {
	p := func(route string) pipeline { q, _ := pipelineByRoute(route); return q }
	for _, c := range []struct {
		name string
		job  jobRequest
	}{
		{"t2i-512", jobRequest{Pipeline: "text-to-image", Model: "m", Prompt: "a fox", Width: 512, Height: 512, Count: 1}},
		{"t2i-1024", jobRequest{Pipeline: "text-to-image", Model: "m", Prompt: "a fox", Width: 1024, Height: 1024, Count: 1}},
		{"upscale-512-to-2048", jobRequest{Pipeline: "upscale", Model: "m", Prompt: "x", Width: 2048, Height: 2048, Count: 1, Image: media.SceneImage(1, 512, 512)}},
		{"i2v-1024x576", jobRequest{Pipeline: "image-to-video", Model: "m", Width: 1024, Height: 576, Frames: videoFrames, FPS: 6, Image: media.SceneImage(1, 1024, 576)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				seed := int64(i)
				c.job.Seed = &seed
				// A fresh cache each time: every drawn request is new.
				if _, _, _, err := produce(c.job, p(c.job.Pipeline), false, seededRand(1), newMediaCache(0), 7); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
