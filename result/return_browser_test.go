package result_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/server/servertest"
)

// The journey of a returned list in a real browser: the district returns
// it (the page asks for a confirmation first), the dong sees it on /host,
// corrects an agenda, resubmits with a reply, and the district forwards it
// to the city. Each step leaves a line on the page and in the history.
func TestReturnJourneyInBrowser(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	district := e.NewHost(t, account.RoleDistrict, "마포구", "")
	a, gs, _ := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil); r.Status != 200 {
		t.Fatalf("announce: %d", r.Status)
	}
	r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", a.ID), nil)
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var sub subJSON
	r.JSON(t, &sub)
	ctx := servertest.Browser(t)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		step("read "+sel, err)
		return s
	}
	login := func(h *servertest.Host, next string) {
		t.Helper()
		step("log in "+h.Email, chromedp.Do(ctx,
			chromedp.Navigate(e.URL+"/login?next="+next),
			chromedp.WaitVisible("#email"),
			chromedp.SendKeys("#email", h.Email),
			chromedp.SendKeys("#password", "correct horse battery"),
			chromedp.Submit("#password"),
			chromedp.WaitVisible("main h1"),
		))
	}
	logout := func() {
		t.Helper()
		step("log out", chromedp.Do(ctx, chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible("#email")))
	}

	// 1. The district returns the list. Without the box ticked the browser
	// does not send the form.
	subPage := "/host/submissions/" + sub.ID
	login(district, subPage)
	step("write a reason", chromedp.Do(ctx, chromedp.WaitVisible("#reason"), chromedp.SendKeys("#reason", "예산과목을 경상·자본으로 나눠 주세요"),
		chromedp.Click("#return")))
	missing, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#confirm-return").validity.valueMissing`))
	step("validity", err)
	if state := text("#submission-state"); !missing || !strings.Contains(state, "제출") {
		t.Fatalf("returned without the confirmation: state %q", state)
	}
	step("return", chromedp.Do(ctx, chromedp.Click("#confirm-return"), chromedp.Click("#return"), chromedp.WaitVisible("#done")))
	if s := text("#audit"); !strings.Contains(s, "예산과목을 경상·자본으로 나눠 주세요") {
		t.Fatalf("the history lacks the return: %q", s)
	}
	logout()

	// 2. The dong sees it on /host, with the reason, and corrects agenda 1.
	login(dong, "/host")
	if s := text("#returned"); !strings.Contains(s, "예산과목을 경상·자본으로 나눠 주세요") {
		t.Fatalf("/host: %q", s)
	}
	step("the overview", chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/host/assemblies/%d", e.URL, a.ID)), chromedp.WaitVisible("#correcting"),
		chromedp.Click(fmt.Sprintf(`#agenda-%d a[href="/host/agendas/%d"]`, gs[0].ID, gs[0].ID)), chromedp.WaitVisible("#f-current_subsidy")))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#f-title, #f-cost").length`))
	step("count", err)
	if n != 0 || !strings.Contains(text("#l-cost"), "사업비") {
		t.Fatalf("title and cost are editable (%d controls) or say nothing", n)
	}
	step("correct", chromedp.Do(ctx,
		chromedp.SetValue("#f-current_subsidy", "2,000,000"),
		chromedp.SetValue("#f-capital_subsidy", "3,000,000"),
		chromedp.SetValue("#f-remarks", "구 요청으로 예산과목을 나눔"),
		chromedp.Submit("#f-remarks"),
		chromedp.WaitVisible("#correcting"),
	))

	// 3. Resubmit with a reply, confirmed.
	step("resubmit", chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/host/assemblies/%d/results", e.URL, a.ID)),
		chromedp.WaitVisible("#reply"),
		chromedp.SendKeys("#reply", "경상 2백만원, 자본 3백만원으로 나눴습니다"),
		chromedp.Click("#confirm-submit"),
		chromedp.Click("#submit-list"),
		chromedp.WaitVisible("#done"),
	))
	if s := text("#host"); !strings.Contains(s, "예산과목") || !strings.Contains(s, "경상 2백만원, 자본 3백만원으로 나눴습니다") {
		t.Fatalf("the history of the resubmission: %q", s)
	}
	logout()

	// 4. The district reads the reply and forwards the list, confirmed.
	login(district, subPage)
	if s := text("#reply"); !strings.Contains(s, "경상 2백만원") {
		t.Fatalf("the district does not see the reply: %q", s)
	}
	step("forward", chromedp.Do(ctx,
		chromedp.Navigate(e.URL+"/host/district?year=2026"),
		chromedp.WaitVisible("#forward"),
		chromedp.Click("#confirm-forward"),
		chromedp.Click("#forward"),
		chromedp.WaitVisible("#done"),
	))
	if s := text("#forwards"); !strings.Contains(s, "1") {
		t.Fatalf("forwards: %q", s)
	}
	var got subJSON
	district.API(t, "GET", "/api/v1/submissions/"+sub.ID, nil).JSON(t, &got)
	if got.State != "forwarded" || got.Content.Rows == nil {
		t.Fatalf("after forwarding: %+v", got)
	}
	for _, row := range got.Content.Rows {
		if row.AgendaID == gs[0].IDString() && (row.CurrentSubsidy != 2000000 || row.CapitalSubsidy != 3000000) {
			t.Fatalf("the forwarded list lacks the correction: %+v", row)
		}
	}
}
