package execution_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/execution"
	"maeul/server/servertest"
)

// Monitoring (서식 2-8), minutes (서식 2-9) and results sharing on one
// server: who may write and read them, the rounds each dong lacks, the
// meeting counts against the TF's minimums, the shared page by its link.
func TestRecords(t *testing.T) {
	e := servertest.Start(t)
	mapoDong := newWho(t, e, account.RoleDong, "마포구", "성산1동", "")
	gangDong := newWho(t, e, account.RoleDong, "강남구", "역삼1동", "")
	mapo := newWho(t, e, account.RoleDistrict, "마포구", "", "")
	gang := newWho(t, e, account.RoleDistrict, "강남구", "", "")
	city := newWho(t, e, account.RoleCity, "", "", "")
	monitor := newWho(t, e, account.RoleMonitor, "마포구", "", "")
	park := newWho(t, e, account.RoleDepartment, "마포구", "", "공원녹지과")
	announced(t, e, mapoDong, "마포구", "성산1동", nil)
	mp := "/api/v1/districts/" + url.PathEscape("마포구")

	t.Run("monitoring", func(t *testing.T) {
		want(t, mapo.api(t, "PUT", mp+"/office", map[string]string{"sharing_date": "2027-06-30"}), 200, "sharing date")
		fr := func(dong, round, at string) map[string]any {
			return map[string]any{"dong": dong, "year": 2026, "round": round, "interviewees": "김위원, 이위원",
				"council_members": "박대표", "center": "성산1동 주민센터", "visited_at": at,
				"opinion_op_system": "분과 3개 운영", "opinion_assembly": "마을총회 7.15 개최"}
		}
		want(t, mapo.api(t, "POST", mp+"/field-reports", fr("성산1동", "budget", "2026-09-01T10:00")), 403, "the district writes a field report")
		want(t, monitor.api(t, "POST", "/api/v1/districts/"+url.PathEscape("강남구")+"/field-reports", fr("역삼1동", "budget", "2026-09-01T10:00")), 403, "another district's monitor")
		want(t, monitor.api(t, "POST", mp+"/field-reports", map[string]any{"dong": "성산1동", "year": 2026, "round": "budget", "visited_at": "2026-09-01T10:00"}), 422, "a report without an opinion")
		want(t, monitor.api(t, "POST", mp+"/field-reports", fr("성산1동", "budget", "2026-09-01T10:00")), 201, "budget round")
		r := monitor.api(t, "POST", mp+"/field-reports", fr("성산1동", "execution", "2027-05-31T09:00"))
		want(t, r, 201, "a late execution round")
		var rep execution.FieldReport
		r.JSON(t, &rep)
		if !rep.Late {
			t.Errorf("a visit on 5.31 before a 6.30 sharing is not late")
		}
		cover := func(w *who) execution.Coverage {
			var c execution.Coverage
			r := w.api(t, "GET", mp+"/monitoring?year=2026", nil)
			want(t, r, 200, "coverage")
			r.JSON(t, &c)
			return c
		}
		c := cover(mapo)
		if len(c.Dongs) != 1 || c.Dongs[0].Dong != "성산1동" || strings.Join(c.Dongs[0].Missing, ",") != "execution" {
			t.Fatalf("coverage: %+v", c.Dongs)
		}
		want(t, monitor.api(t, "POST", mp+"/field-reports", fr("성산1동", "execution", "2027-05-30T18:00")), 201, "execution round on the last day")
		c = cover(city)
		if len(c.Dongs[0].Missing) != 0 || len(c.Reports) != 3 || c.Reports[0].Interviewees != "김위원, 이위원" {
			t.Errorf("coverage after both rounds: %+v", c)
		}
		for _, w := range []*who{gang, mapoDong, park} {
			want(t, w.api(t, "GET", mp+"/monitoring?year=2026", nil), 403, w.u.Role+" reads 마포구's monitoring")
		}
		want(t, monitor.api(t, "GET", "/api/v1/districts/"+url.PathEscape("강남구")+"/monitoring?year=2026", nil), 403, "a monitor reads another district")
		clean(t, "district page for the monitor", monitor.get(t, "/host/execution/district?year=2026"))
	})

	t.Run("minutes and activity", func(t *testing.T) {
		m := func(kind, district, dong, body, at string) map[string]any {
			return map[string]any{"owner_kind": kind, "district": district, "dong": dong, "body": body,
				"author_affiliation": "총괄부서", "author_name": "홍길동", "title": "실무 TF 회의", "held_at": at,
				"place": "구청 3층", "attendees": 7, "summary": "동선정 기준 논의"}
		}
		for _, at := range []string{"2026-03-10T14:00", "2026-03-31T20:00", "2026-04-01T09:00"} {
			want(t, mapo.api(t, "POST", "/api/v1/meetings", m("district", "마포구", "", "tf", at)), 201, "TF "+at)
		}
		want(t, gang.api(t, "POST", "/api/v1/meetings", m("district", "마포구", "", "tf", "2026-03-01T10:00")), 403, "another district's TF")
		want(t, gangDong.api(t, "POST", "/api/v1/meetings", m("dong", "마포구", "성산1동", "council", "2026-05-01T19:00")), 403, "another dong's council")
		want(t, mapoDong.api(t, "POST", "/api/v1/meetings", m("dong", "마포구", "성산1동", "district", "2026-05-01T19:00")), 422, "a dong's district meeting")
		ct, body := multipartBody(t, map[string]string{"owner_kind": "dong", "district": "마포구", "dong": "성산1동", "body": "council",
			"author_affiliation": "동회의", "author_name": "김간사", "title": "6월 전체 모임", "held_at": "2026-06-10T19:00",
			"attendees": "31", "summary": "실행계획 합의", "caption": "전체 모임"}, "photo", "m.png", pngBytes(t))
		want(t, mapoDong.send(t, "POST", "/host/execution/meetings", ct, body), 303, "council minutes with a photo")
		var list struct{ Activity []execution.Activity }
		r := city.api(t, "GET", "/api/v1/activity?year=2026", nil)
		want(t, r, 200, "city activity")
		r.JSON(t, &list)
		if len(list.Activity) != 2 {
			t.Fatalf("activity: %+v", list.Activity)
		}
		d, dong := list.Activity[0], list.Activity[1]
		if d.OwnerKind != "district" || d.TFBySelection != 2 || d.TFByRunEnd != 3 || d.ShortSelection || !d.ShortRunEnd {
			t.Errorf("district activity: %+v", d)
		}
		if dong.Dong != "성산1동" || dong.Counts["council"] != 1 || dong.Total != 1 {
			t.Errorf("dong activity: %+v", dong)
		}
		want(t, park.api(t, "GET", "/api/v1/activity?district="+url.QueryEscape("마포구")+"&year=2026", nil), 403, "a department reads activity")
		want(t, gang.api(t, "GET", "/api/v1/activity?district="+url.QueryEscape("마포구")+"&year=2026", nil), 403, "another district reads activity")
		rows := xlsxRows(t, mapo.api(t, "GET", "/api/v1/activity.xlsx?district="+url.QueryEscape("마포구")+"&year=2026", nil).Body)
		if len(rows) != 3 || rows[1][5] != "3" || rows[1][11] != "Y" {
			t.Errorf("activity xlsx: %v", rows)
		}
		var ms struct{ Meetings []execution.Meeting }
		mapoDong.api(t, "GET", "/api/v1/meetings?year=2026", nil).JSON(t, &ms)
		if len(ms.Meetings) != 1 || len(ms.Meetings[0].Photos) != 1 || ms.Meetings[0].Attendees != 31 {
			t.Errorf("the dong's minutes: %+v", ms.Meetings)
		}
		clean(t, "meetings page", mapoDong.get(t, "/host/execution/meetings?year=2026"))
		clean(t, "district meetings page", mapo.get(t, "/host/execution/meetings?year=2026"))
	})

	t.Run("results sharing", func(t *testing.T) {
		link := map[string]any{"district": "마포구", "dong": "성산1동", "year": 2026}
		want(t, gangDong.api(t, "POST", "/api/v1/sharing/link", link), 403, "another dong's link")
		want(t, park.api(t, "POST", "/api/v1/sharing/link", link), 403, "a department's link")
		r := mapoDong.api(t, "POST", "/api/v1/sharing/link", link)
		want(t, r, 201, "share link")
		var out struct{ URL string }
		r.JSON(t, &out)
		tok := out.URL[strings.LastIndex(out.URL, "/")+1:]
		if len(tok) < 26 {
			t.Fatalf("a guessable token: %q", tok)
		}
		var again struct{ URL string }
		mapo.api(t, "POST", "/api/v1/sharing/link", link).JSON(t, &again)
		if again.URL != out.URL {
			t.Errorf("a second link for the same page: %s, %s", again.URL, out.URL)
		}
		page := e.Do(t, "GET", "/s/"+tok, "", nil)
		clean(t, "shared page", page)
		for _, s := range []string{"성산1동", "/execution/photos/", "투표 12명"} {
			if !bytes.Contains(page.Body, []byte(s)) {
				t.Errorf("the shared page lacks %q", s)
			}
		}
		if !bytes.Contains(page.Body, []byte("noindex")) {
			t.Errorf("the shared page may be indexed")
		}
		want(t, e.Do(t, "GET", "/s/"+strings.Repeat("a", 32), "", nil), 404, "an unknown link")
		r = mapo.api(t, "POST", "/api/v1/sharing/link", map[string]any{"district": "마포구", "year": 2026})
		want(t, r, 201, "district link")
		r.JSON(t, &out)
		clean(t, "district overview", e.Do(t, "GET", "/s/"+out.URL[strings.LastIndex(out.URL, "/")+1:], "", nil))
		clean(t, "host preview", mapoDong.get(t, "/host/execution/sharing?year=2026"))
	})
}
