package execution_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/server/servertest"
)

// The city's journey in a browser, without JavaScript of its own: sign in,
// follow the home page's link (with its badge) to the hand-over, hand the
// list to finance, record the committee's decisions in the form, and see
// the decision on the dong's public results page.
func TestCityJourneyInBrowser(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	city := e.NewHost(t, account.RoleCity, "", "")
	dong := newWho(t, e, account.RoleDong, "마포구", "성산1동", "")
	district := newWho(t, e, account.RoleDistrict, "마포구", "", "")
	a, gs := announced(t, e, dong, "마포구", "성산1동", nil)
	if _, err := e.Server.Results.Submit(ctx, a.ID, dong.u, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Server.Results.Forward(ctx, "마포구", 2026, district.u); err != nil {
		t.Fatal(err)
	}
	b := servertest.Browser(t)
	err := chromedp.Do(b,
		chromedp.Navigate(e.URL+"/login"),
		chromedp.SendKeys("#email", city.Email),
		chromedp.SendKeys("#password", "correct horse battery"),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#execution-link"),
		chromedp.Click("#execution-link"),
		chromedp.WaitVisible("#to-city"),
		chromedp.Click("#to-city"),
		chromedp.WaitVisible("#handover-button"),
		chromedp.Click("#handover-button"),
		chromedp.WaitVisible("#d-"+gs[0].IDString()),
		chromedp.SetValue("#d-"+gs[0].IDString(), "approved"),
		chromedp.SetValue("#d-"+gs[1].IDString(), "conditional"),
		chromedp.SendKeys("#c-"+gs[1].IDString(), "보도 폭 확인"),
		chromedp.SetValue("#d-"+gs[2].IDString(), "rejected"),
		chromedp.Click("#decide-button"),
		chromedp.WaitVisible(`#approvals tr[data-decision="conditional"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	decided, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#approvals tr[data-agenda]")].map(r => r.dataset.decision)`))
	if err != nil || strings.Join(decided, ",") != "approved,conditional,rejected,pending" {
		t.Fatalf("decisions on the page: %v %v", decided, err)
	}
	if err := chromedp.Do(b, chromedp.Navigate(e.URL+"/r/"+a.Slug), chromedp.WaitVisible("#ranking")); err != nil {
		t.Fatal(err)
	}
	marks, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".final-decision")].map(x => x.innerText.trim())`))
	if err != nil || len(marks) != 3 || !strings.Contains(strings.Join(marks, "|"), "조건부 승인") {
		t.Fatalf("final marks on the results page: %q %v", marks, err)
	}
}
