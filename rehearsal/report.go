package rehearsal

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Report is the result of a run.
type Report struct {
	Phones   int              `json:"phones"`
	Accepted int              `json:"accepted"`
	Errors   map[string]int   `json:"errors"`
	Steps    map[string]Stats `json:"steps"`
	Slowest  string           `json:"slowest_step"`
	Seconds  float64          `json:"seconds"`
}

// Stats are latency figures of one step, in milliseconds.
type Stats struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func (r *run) report() *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{Phones: r.phones, Accepted: r.voted, Errors: map[string]int{}, Steps: map[string]Stats{},
		Seconds: time.Since(r.start).Seconds()}
	for k, v := range r.errs {
		rep.Errors[k] = v
	}
	var worst float64
	for step, ds := range r.latency {
		st := stats(ds)
		rep.Steps[step] = st
		if st.P99 > worst {
			worst, rep.Slowest = st.P99, step
		}
	}
	return rep
}

func stats(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	q := func(p float64) float64 {
		i := int(p*float64(len(s)-1) + 0.5)
		return float64(s[i].Microseconds()) / 1000
	}
	return Stats{Count: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: q(1)}
}

var stepNames = map[string]map[string]string{
	"ko": {"open": "투표 화면 열기", "vote": "투표 제출"},
	"en": {"open": "open the ballot", "vote": "submit the ballot"},
}

// Text is the report as plain text, in Korean or English.
func (rep *Report) Text(lang string) string {
	var b strings.Builder
	ko := lang != "en"
	if ko {
		fmt.Fprintf(&b, "리허설 결과: 휴대폰 %d대, %.0f초\n", rep.Phones, rep.Seconds)
		fmt.Fprintf(&b, "접수된 투표 %d건 / 오류 %d건\n", rep.Accepted, rep.errorCount())
	} else {
		fmt.Fprintf(&b, "Rehearsal: %d phones, %.0f s\n", rep.Phones, rep.Seconds)
		fmt.Fprintf(&b, "ballots accepted %d / errors %d\n", rep.Accepted, rep.errorCount())
	}
	for _, step := range []string{"open", "vote"} {
		st, ok := rep.Steps[step]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "%-12s n=%d p50 %.0f ms  p95 %.0f ms  p99 %.0f ms  max %.0f ms\n",
			stepNames[lang2(ko)][step], st.Count, st.P50, st.P95, st.P99, st.Max)
	}
	if rep.Slowest != "" {
		if ko {
			fmt.Fprintf(&b, "가장 느린 단계: %s\n", stepNames["ko"][rep.Slowest])
		} else {
			fmt.Fprintf(&b, "slowest step: %s\n", stepNames["en"][rep.Slowest])
		}
	}
	keys := make([]string, 0, len(rep.Errors))
	for k := range rep.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s × %d\n", k, rep.Errors[k])
	}
	return b.String()
}

func lang2(ko bool) string {
	if ko {
		return "ko"
	}
	return "en"
}

func (rep *Report) errorCount() int {
	n := 0
	for _, v := range rep.Errors {
		n += v
	}
	return n
}
