package districtplan

import (
	"time"

	"maeul/format"
)

var seoul = format.Seoul

// Schedule is a year's dates of the district plan type (Ⅴ 주요 추진일정).
// Each is a last day: done that day in Seoul is on time, the next day late.
type Schedule struct {
	ApplicationOpens time.Time // 사업접수 3.10
	ApplicationDue   time.Time // 사업접수 ~4.20
	DraftDue         time.Time // 초안 ~6.30
	PreReviewFrom    time.Time // 사전 협의조정 7.1
	PreReviewUntil   time.Time // ~7.30
	AdjustedDue      time.Time // 조정안 7.31
	ReviewFrom       time.Time // 본 협의조정 8.1
	FinalDue         time.Time // 최종안 ~8.31
	ApprovalFrom     time.Time // 시 참여예산위원회 9.1
	ApprovalUntil    time.Time // ~9.2
	AgreementDue     time.Time // 협약 12월 중
}

// ScheduleOf returns the plan's dates for a year.
func ScheduleOf(year int) Schedule {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, seoul) }
	return Schedule{ApplicationOpens: d(3, 10), ApplicationDue: d(4, 20), DraftDue: d(6, 30),
		PreReviewFrom: d(7, 1), PreReviewUntil: d(7, 30), AdjustedDue: d(7, 31), ReviewFrom: d(8, 1),
		FinalDue: d(8, 31), ApprovalFrom: d(9, 1), ApprovalUntil: d(9, 2), AgreementDue: d(12, 31)}
}

// Day is t's date in Seoul at midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.In(seoul).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, seoul)
}
