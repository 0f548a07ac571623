package main

import (
	"context"
	"fmt"
	"io"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/server"
	"maeul/voting"
)

// The demo host's login, printed at start. The demo is for a laptop, not
// for a server: `--demo` refuses to run with a non-local base URL.
const (
	demoEmail    = "demo@maeul.local"
	demoPassword = "maeul-demo-2026"
)

// loadDemo makes sure the demo host and the demo assembly exist, opens its
// vote, issues a few codes, and prints where to go.
func loadDemo(ctx context.Context, srv *server.Server, cfg Config, w io.Writer) error {
	st := srv.Auth.Service
	u, err := st.AddUser(ctx, account.NewUser{Email: demoEmail, Password: demoPassword,
		Role: account.RoleDong, District: assembly.DemoDistrict, Dong: assembly.DemoDong})
	if maeul.ErrorCode(err) == maeul.ECONFLICT {
		if err := st.SetPassword(ctx, demoEmail, demoPassword); err != nil {
			return err
		}
		u, err = st.UserByEmail(ctx, demoEmail)
	}
	if err != nil {
		return err
	}
	a, err := assembly.SeedDemo(ctx, srv.Assemblies, u)
	if err != nil {
		return err
	}
	codes, err := voting.DemoCodes(ctx, srv.Voting, a, u, 5)
	if err != nil {
		return err
	}
	b := cfg.BaseURL
	fmt.Fprintf(w, "\n  maeul demo — %s %s %s\n\n", a.District, a.Dong, a.Title)
	if a.Slug != assembly.DemoSlug {
		fmt.Fprintf(w, "  (an earlier demo round's vote has ended — its results stay at %s/r/%s once announced;\n   this is a new round)\n\n", cfg.BaseURL, assembly.DemoSlug)
	}
	fmt.Fprintf(w, "  자료집 booklet   %s/a/%s\n", b, a.Slug)
	fmt.Fprintf(w, "  공고문 notice    %s/a/%s/notice\n", b, a.Slug)
	fmt.Fprintf(w, "  투표 ballot      %s/v/%s  (codes below)\n", b, a.Slug)
	fmt.Fprintf(w, "  프로젝터         %s/p/%s  (host login)\n", b, a.Slug)
	fmt.Fprintf(w, "  결과 results     %s/r/%s  (after the host closes and announces the vote)\n", b, a.Slug)
	fmt.Fprintf(w, "  관리자 host      %s/login  email %s  password %s\n\n", b, demoEmail, demoPassword)
	for _, c := range codes {
		fmt.Fprintf(w, "  one-time code %s   %s\n", c.Short, c.URL)
	}
	fmt.Fprintln(w)
	return nil
}
