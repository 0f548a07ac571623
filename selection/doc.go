// Package selection is 동선정 (until 3.31) of the dong-level plan type: a
// dong's application (서식 2-1 with its 운영계획 page and roster), the
// district's selection committee, its scores on the plan's 심사기준, the
// ranking with 찾동 마을계획 dongs first, the report to the city (서식 2-2,
// page and XLSX), the city's register of selected dongs with the districts'
// quotas and 운영동 추가 선정 (4.7); and the year's timeline of each dong
// (timeline.go), whose steps' "done at" come from registered sources.
package selection
