package execution

import "time"

type timeT = time.Time
