package scoring

// MedianOf is Median without sorting: a quickselect, O(n) on average, for
// the large sample sets of long windows. It reorders values.
func MedianOf(values []float64) float64 {
	n := len(values)
	if n == 0 {
		return 0
	}
	hi := selectKth(values, n/2)
	if n%2 == 1 {
		return hi
	}
	// After selection everything left of n/2 is ≤ hi: the other middle
	// value is their maximum.
	lo := values[0]
	for _, v := range values[1 : n/2] {
		if v > lo {
			lo = v
		}
	}
	return lo + (hi-lo)/2
}

// selectKth moves the k-th smallest value to values[k], smaller ones before
// it and larger ones after, and returns it.
func selectKth(values []float64, k int) float64 {
	lo, hi := 0, len(values)-1
	for lo < hi {
		// Median of three as pivot keeps sorted input linear.
		mid := lo + (hi-lo)/2
		if values[mid] < values[lo] {
			values[mid], values[lo] = values[lo], values[mid]
		}
		if values[hi] < values[lo] {
			values[hi], values[lo] = values[lo], values[hi]
		}
		if values[hi] < values[mid] {
			values[hi], values[mid] = values[mid], values[hi]
		}
		pivot := values[mid]
		i, j := lo, hi
		for i <= j {
			for values[i] < pivot {
				i++
			}
			for values[j] > pivot {
				j--
			}
			if i <= j {
				values[i], values[j] = values[j], values[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return values[k]
		}
	}
	return values[k]
}
