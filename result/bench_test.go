package result_test

import (
	"context"
	"os"
	"testing"

	"maeul/result"
	"maeul/server/servertest"
)

// go test -run '^$' -bench . ./result/

func BenchmarkRecountWeesp(b *testing.B) {
	raw, err := os.ReadFile("testdata/Netherlands_Amsterdam_2020_Weesp.pb")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f, _ := os.Open("testdata/Netherlands_Amsterdam_2020_Weesp.pb")
		pb, err := result.ParsePabulib(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := result.RecountPabulib(pb); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(raw)))
}

// A large village assembly: 20 agendas, 10,000 ranked ballots of 5 choices.
func BenchmarkLargeAssembly(b *testing.B) {
	e := servertest.Start(b)
	costs := make([]int64, 20)
	for i := range costs {
		costs[i] = int64(1+i%7) * 1_000_000
	}
	a, _ := e.Fixture(b, servertest.FixtureOptions{State: "open", Method: "ranked", MaxChoices: 5, Costs: costs})
	ctx := context.Background()
	if _, err := e.DB.Pool.Exec(ctx, `
		WITH b AS (INSERT INTO ballots (assembly_id, channel)
			SELECT $1, (ARRAY['onsite','online','paper'])[1 + i % 3] FROM generate_series(1, 10000) i RETURNING id)
		INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
		SELECT $1, b.id, g.id, g.pos FROM b CROSS JOIN LATERAL (
			SELECT id, row_number() OVER (ORDER BY random()) AS pos FROM agendas WHERE assembly_id = $1 LIMIT 5) g`, a.ID); err != nil {
		b.Fatal(err)
	}
	e.SetRunningCounts(b, a.ID)
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET state = 'closed' WHERE id = $1`, a.ID); err != nil {
		b.Fatal(err)
	}
	a.State = "closed"
	b.Run("compute", func(b *testing.B) {
		for b.Loop() {
			if _, err := result.Compute(ctx, e.DB.Pool, a); err != nil {
				b.Fatal(err)
			}
		}
	})
	r, _ := result.Compute(ctx, e.DB.Pool, a)
	b.Run("submission.xlsx", func(b *testing.B) {
		for b.Loop() {
			s, err := result.BuildSubmission(ctx, e.DB.Pool, a)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.XLSX(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ballots.pb", func(b *testing.B) {
		var n int
		for b.Loop() {
			raw, err := result.WritePabulib(ctx, e.DB.Pool, a, r, 0)
			if err != nil {
				b.Fatal(err)
			}
			n = len(raw)
		}
		b.ReportMetric(float64(n), "file-bytes")
	})
}

// The city page over all of Seoul: 25 districts × 17 dongs, each with a dong
// host and an assembly, two thirds of them submitted.
func BenchmarkCityStatus(b *testing.B) {
	e := servertest.Start(b)
	ctx := context.Background()
	_, err := e.DB.Pool.Exec(ctx, `
		INSERT INTO users (email, password_hash, role, district, dong)
		SELECT 'd' || d || '-' || g || '@bench.kr', 'x', 'dong', '구' || d, '동' || g FROM generate_series(1, 25) d, generate_series(1, 17) g;
		INSERT INTO assemblies (slug, district, dong, title, starts_at, ends_at, budget_cap, method, max_choices, state)
		SELECT 'bench-' || d || '-' || g, '구' || d, '동' || g, '마을총회', '2026-07-15 14:00+09', '2026-07-15 17:00+09',
			30000000, 'approval', 3, 'announced' FROM generate_series(1, 25) d, generate_series(1, 17) g;
		INSERT INTO submissions (assembly_id, district, dong, year, state, content, sha256)
		SELECT id, district, dong, 2026, 'submitted',
			'{"rows":[{"selected":true},{"selected":false}],"allocated":25000000}', repeat('0', 64)
		FROM assemblies WHERE slug LIKE 'bench-%' AND id % 3 <> 0`)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cs, err := result.FindCityStatus(ctx, e.DB.Pool, 2026)
		if err != nil {
			b.Fatal(err)
		}
		if cs.Totals.Dongs != 425 || cs.Totals.Submitted < 280 {
			b.Fatalf("totals %+v", cs.Totals)
		}
	}
}
