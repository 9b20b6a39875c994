package framework

// Ladder returns the named answers a criterion accepts, as the framework
// lists them, with the default ladders of the yes/partial/no and yes/no
// kinds filled in, so that a questionnaire can show what each answer
// means; nil for number criteria, whose answers are graded by Bands.
func (f *Framework) Ladder(c *Criterion) []Answer { return c.ladder(f.Top()) }
