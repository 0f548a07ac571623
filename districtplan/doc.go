// Package districtplan carries the district plan type (區단위 계획형,
// 지역사회혁신계획 지원형): a district's 협치○○구회의 (or the 민·관 TFT
// standing in for it) applies (서식 1-1, with its 논의주체 명단), writes its
// 지역사회혁신계획 in versions that are kept and compared (초안 6.30, 조정안
// 7.31, 최종안 8.31), the city's 협의조정위원회 (at most ten members)
// reviews it — 사전 협의조정, then at most three rounds of 본 협의조정, each
// member's opinion answered by the district — the city's 참여예산위원회
// approves it and the 협약 is recorded. Monitoring and evaluation records
// follow the plan's year.
//
// The domain half is Service (application.go, plan.go, review.go,
// records.go, overview.go; the checks the guideline asks for are computed in
// checks.go, the dates in schedule.go). The HTTP half is Handlers
// (routes.go, api*.go, pages*.go).
//
// Who does what: a district host writes its district's application and
// plan and answers opinions; a city host (지역공동체담당관) receives the
// applications, shares them with finance, keeps the committee, records the
// rounds, opinions, approval and 협약; finance reads what was shared.
package districtplan
