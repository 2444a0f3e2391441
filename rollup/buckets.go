package rollup

import "sort"

// Buckets calls fn once for every series that match accepts and that has
// buckets in the hours [fromHour, toHour], with those buckets in hour
// order. It is how a history is read step by step in one pass over the
// series, where Sum would need a pass per step. fn runs with the index
// read-locked: it must not call back into the index, nor keep the slice.
func (ix *Index) Buckets(match func(Key) bool, fromHour, toHour int64, fn func(Key, []Bucket)) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, s := range ix.list {
		if !match(s.key) {
			continue
		}
		bs := s.buckets
		i := sort.Search(len(bs), func(i int) bool { return bs[i].Hour >= fromHour })
		j := sort.Search(len(bs), func(j int) bool { return bs[j].Hour > toHour })
		if i < j {
			fn(s.key, bs[i:j])
		}
	}
}
