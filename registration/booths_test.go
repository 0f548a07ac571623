package registration_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"maeul/server/servertest"
)

// Early booths (windows enforced where the code is consumed, counted in
// the one tally) and kiosk links (register, start, revoke), on one server.
func TestEarlyBoothsAndKiosks(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	now := time.Now()
	a := eligibleAssembly(t, e, now.Add(24*time.Hour))
	var agenda string
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT id::text FROM agendas WHERE assembly_id = $1 ORDER BY number LIMIT 1`, a.ID).Scan(&agenda); err != nil {
		t.Fatal(err)
	}
	booths := fmt.Sprintf("/api/v1/assemblies/%d/booths", a.ID)
	booth := func(place string, from, to time.Time) *servertest.Response {
		return h.API(t, "POST", booths, map[string]any{"place": place, "starts_at": from.Format(time.RFC3339), "ends_at": to.Format(time.RFC3339)})
	}
	ids := map[string]string{}
	for _, b := range []struct {
		place    string
		from, to time.Duration
	}{{"주민센터", -time.Hour, time.Hour}, {"경로당", 2 * time.Hour, 3 * time.Hour}, {"복지관", -3 * time.Hour, -2 * time.Hour}} {
		r := booth(b.place, now.Add(b.from), now.Add(b.to))
		if r.Status != 201 {
			t.Fatalf("booth %s: %d %s", b.place, r.Status, r.Body)
		}
		var got struct{ ID string }
		r.JSON(t, &got)
		ids[b.place] = got.ID
	}
	if r := booth("거꾸로", now.Add(time.Hour), now); r.Status != 422 {
		t.Fatalf("a window that ends before it starts: %d %s", r.Status, r.Body)
	}
	if r := booth("너무 늦게", now, now.Add(30*24*time.Hour)); r.Status != 422 {
		t.Fatalf("a booth open after the assembly: %d %s", r.Status, r.Body)
	}

	r := h.API(t, "PATCH", booths+"/"+ids["경로당"], map[string]any{"place": "성미산 경로당",
		"starts_at": now.Add(2 * time.Hour).Format(time.RFC3339), "ends_at": now.Add(3 * time.Hour).Format(time.RFC3339)})
	if r.Status != 200 || !strings.Contains(string(r.Body), "성미산 경로당") {
		t.Fatalf("edit a booth: %d %s", r.Status, r.Body)
	}
	if p := string(h.Get(t, fmt.Sprintf("/host/assemblies/%d/booths", a.ID)).Body); !strings.Contains(p, "성미산 경로당") || !strings.Contains(p, `name="starts_at"`) {
		t.Fatal("the booths page lacks the booth or its form")
	}
	early := func(name, place string) *servertest.Response {
		p := person(name, "1950-01-01", "resident", "early")
		p["booth"] = ids[place]
		return h.API(t, "POST", regPath(a), p)
	}
	codeOf := func(r *servertest.Response) string {
		var got struct{ Code, Place string }
		r.JSON(t, &got)
		return got.Code
	}
	r = early("사전하나", "주민센터")
	if r.Status != 201 || !strings.Contains(string(r.Body), `"place":"주민센터"`) {
		t.Fatalf("early at an open booth: %d %s", r.Status, r.Body)
	}
	inWindow := codeOf(r)
	r = early("사전둘", "경로당")
	if r.Status != 201 {
		t.Fatalf("early at a booth that opens later: %d %s", r.Status, r.Body)
	}
	later := codeOf(r)
	if r := early("사전셋", "복지관"); r.Status != 409 {
		t.Fatalf("registering at a booth that has closed: %d %s", r.Status, r.Body)
	}
	if r := h.API(t, "POST", regPath(a), person("부스없음", "1950-01-01", "resident", "early")); r.Status != 422 {
		t.Fatalf("early without a booth: %d %s", r.Status, r.Body)
	}
	// Registered at the 주민센터, then again at the desk: the message names the booth.
	if r := h.API(t, "POST", regPath(a), person("사전하나", "1950-01-01", "resident", "onsite")); r.Status != 409 || !strings.Contains(message(r), "사전투표소(주민센터) 등록") {
		t.Fatalf("again after an early registration: %d %s", r.Status, r.Body)
	}

	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/open", a.ID), nil); r.Status != 200 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	if r := booth("늦은 추가", now, now.Add(time.Hour)); r.Status != 409 {
		t.Fatalf("a booth added once voting opened: %d %s", r.Status, r.Body)
	}
	ballot := func(code string) *servertest.Response {
		return e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": code, "choices": []string{agenda}})
	}
	if r := ballot(later); r.Status != 409 || !strings.Contains(message(r), "운영 시간") {
		t.Fatalf("a code outside its booth's window: %d %s", r.Status, r.Body)
	}
	if r := ballot(inWindow); r.Status != 201 {
		t.Fatalf("a code inside its booth's window: %d %s", r.Status, r.Body)
	}
	var used int
	e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, a.ID).Scan(&used)
	if used != 1 {
		t.Fatalf("%d codes used; the refused one must stay unused", used)
	}

	// Kiosks.
	r = h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/kiosks", a.ID), map[string]any{"label": "1번 태블릿"})
	if r.Status != 201 {
		t.Fatalf("kiosk: %d %s", r.Status, r.Body)
	}
	var k struct{ URL, ID string }
	r.JSON(t, &k)
	u, err := url.Parse(k.URL)
	if err != nil || u.Path != "/k/"+a.Slug || !strings.HasPrefix(u.Query().Get("t"), "kt_") {
		t.Fatalf("kiosk url %q", k.URL)
	}
	tok := u.Query().Get("t")
	if r := e.Do(t, "GET", u.RequestURI(), "", nil); r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(r.Body), `id="s-privacy"`) {
		t.Fatalf("kiosk page: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
	if r := e.Do(t, "GET", "/k/"+a.Slug+"?t=kt_wrong", "", nil); r.Status != 404 {
		t.Fatalf("a wrong kiosk token: %d", r.Status)
	}
	kreg := func(name string) *servertest.Response {
		return e.Do(t, "POST", "/k/"+a.Slug+"/register", "", map[string]any{"t": tok, "name": name, "birth_date": "1940-02-29", "category": "resident"})
	}
	r = kreg("키오스크")
	if r.Status != 201 {
		t.Fatalf("kiosk registration: %d %s", r.Status, r.Body)
	}
	if r := ballot(codeOf(r)); r.Status != 201 {
		t.Fatalf("the kiosk's ballot: %d %s", r.Status, r.Body)
	}
	if r := kreg("키 오 스 크"); r.Status != 409 || !strings.Contains(message(r), "현장 등록") {
		t.Fatalf("again at the kiosk: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "POST", "/k/"+a.Slug+"/code", "", map[string]any{"t": tok, "code": later}); r.Status != 409 {
		t.Fatalf("a booth's code at the kiosk outside its window: %d %s", r.Status, r.Body)
	}
	var tally struct{ Channels map[string]int64 }
	h.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/tally", a.ID), nil).JSON(t, &tally)
	if tally.Channels["early"] != 1 || tally.Channels["onsite"] != 1 {
		t.Fatalf("tally channels %v", tally.Channels)
	}
	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/kiosks/%s/revoke", a.ID, k.ID), nil); r.Status != 204 {
		t.Fatalf("revoke kiosk: %d %s", r.Status, r.Body)
	}
	if r := kreg("끊긴뒤"); r.Status != 404 {
		t.Fatalf("a revoked kiosk registers: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, "GET", u.RequestURI(), "", nil); r.Status != 404 {
		t.Fatalf("a revoked kiosk opens: %d", r.Status)
	}
	page := string(h.Get(t, fmt.Sprintf("/host/assemblies/%d/console", a.ID)).Body)
	for _, want := range []string{"사전투표 · 주민센터", "사전투표 · 성미산 경로당", `data-stat="ballots.early">1<`} {
		if !strings.Contains(page, want) {
			t.Errorf("the console lacks %q", want)
		}
	}
	if p := string(h.Get(t, fmt.Sprintf("/host/assemblies/%d/kiosks", a.ID)).Body); !strings.Contains(p, "1번 태블릿") {
		t.Errorf("the kiosks page lacks the kiosk")
	}
}
