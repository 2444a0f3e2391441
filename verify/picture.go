package verify

import "image"

// Picture is everything the checks read from one image answer: its small
// grayscale, statistics, hash, thumbnail, and the content check's flag.
type Picture struct {
	Gray  Gray
	Stats Stats
	Hash  Hash
	Thumb []byte
	Flag  *Flag // flat or noise; nil when content is present
}

// Look measures img once for every image check. A picture flat in luma
// but not in colour (areas of different hues, equally bright) has content:
// it is not flagged.
func Look(img image.Image) Picture {
	g := NewGray(img, GraySide)
	st, flag := Content(g)
	if flag != nil && flag.Kind == KindFlat {
		if st.Colour = ColourSpread(img); st.Colour >= FlatStd {
			flag = nil
		}
	}
	return Picture{Gray: g, Stats: st, Hash: HashOf(g), Thumb: Thumbnail(img), Flag: flag}
}
