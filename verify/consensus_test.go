package verify

import "testing"

func TestConsensus(t *testing.T) {
	t.Parallel()
	base := scene(10, 96, 96)
	honest := func(i uint64) Hash { return Look(reencode(drift(base, i), 70)).Hash }
	other := func(s uint64) Hash { return Look(scene(s, 96, 96)).Hash }
	cases := []struct {
		name    string
		answers []Hash
		flagged []int
		decided bool
	}{
		{"none", nil, nil, false},
		{"alone", []Hash{honest(1)}, nil, false},
		{"two that disagree: nobody can tell", []Hash{honest(1), other(50)}, nil, false},
		{"three honest", []Hash{honest(1), honest(2), honest(3)}, nil, true},
		{"one cheap model among three", []Hash{honest(1), other(51), honest(2)}, []int{1}, true},
		{"two cheaters among five", []Hash{other(52), honest(1), honest(2), other(53), honest(3)}, []int{0, 3}, true},
		{"no majority: nothing flagged", []Hash{honest(1), other(54), other(55), other(56)}, nil, false},
		{"colluding canned pair is still a minority", []Hash{other(57), other(57), honest(1), honest(2), honest(3)}, []int{0, 1}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vs := Consensus(c.answers)
			if len(vs) != len(c.answers) {
				t.Fatalf("%d verdicts for %d answers", len(vs), len(c.answers))
			}
			var got []int
			for i, v := range vs {
				if v.Flag != nil {
					got = append(got, i)
					if v.Flag.Kind != KindOutlier || v.Distance <= OutlierDistance {
						t.Errorf("answer %d flagged %v at %d bits", i, v.Flag, v.Distance)
					}
				}
				if (v.Medoid >= 0) != c.decided {
					t.Errorf("answer %d: medoid %d, decided %v", i, v.Medoid, c.decided)
				}
			}
			if len(got) != len(c.flagged) {
				t.Fatalf("flagged %v, want %v", got, c.flagged)
			}
			for i := range got {
				if got[i] != c.flagged[i] {
					t.Fatalf("flagged %v, want %v", got, c.flagged)
				}
			}
		})
	}
}

func TestConsensusReportsTheDistanceOfTwo(t *testing.T) {
	t.Parallel()
	a, b := Look(scene(1, 64, 64)).Hash, Look(scene(2, 64, 64)).Hash
	vs := Consensus([]Hash{a, b})
	if vs[0].Distance != Distance(a, b) || vs[1].Distance != vs[0].Distance || vs[0].Flag != nil {
		t.Fatalf("%+v", vs)
	}
}
