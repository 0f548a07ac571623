// Package planning owns the months before the vote (Ⅳ-2 2.1–2.4 of the
// plan): the departments' reviews of the 실행계획서 (서식 2-6, 과정 and 최종)
// with the questions between dong and department, the drafts kept per
// round (서식 2-5 작성 단계), the council's organisation (서식 2-3) and the
// resource survey with its discovered agendas (서식 2-4). It sits above
// assembly: agendas are assembly's, the reviews fill their read-only
// review fields through assembly.SetReview.
package planning
