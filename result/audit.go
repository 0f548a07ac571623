package result

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/assembly"
)

// AuditEntry is one step of the results and the submission: who, when, what.
type AuditEntry struct {
	ID         int64     `db:"id" json:"id"`
	At         time.Time `db:"at" json:"at"`
	Actor      string    `db:"actor" json:"actor"`
	Role       string    `db:"role" json:"role"`
	District   string    `db:"district" json:"district"`
	Dong       string    `db:"dong" json:"dong"`
	AssemblyID *int64    `db:"assembly_id" json:"assembly_id,omitempty"`
	Action     string    `db:"action" json:"action"`
	Detail     string    `db:"detail" json:"detail"`
}

func audit(ctx context.Context, tx pgx.Tx, u *account.User, district, dong string, assemblyID *int64, action, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (user_id, actor, role, district, dong, assembly_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.Email, u.Role, district, dong, assemblyID, action, detail)
	return err
}

// Audit returns the audit entries u may see, newest first: a dong host its
// dong's, a district host its district's, the city every entry. district and
// dong narrow the list further when not empty.
func Audit(ctx context.Context, q assembly.Querier, u *account.User, district, dong string, limit int) ([]AuditEntry, error) {
	if u == nil {
		return nil, nil
	}
	switch u.Role {
	case account.RoleDong:
		district, dong = u.District, u.Dong
	case account.RoleDistrict:
		district = u.District
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, _ := q.Query(ctx, `SELECT id, at, actor, role, district, dong, assembly_id, action, detail FROM audit_log
		WHERE ($1 = '' OR district = $1) AND ($2 = '' OR dong = $2)
		ORDER BY at DESC, id DESC LIMIT $3`, district, dong, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[AuditEntry])
}
