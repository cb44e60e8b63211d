from sifa.core.errors import Conflict


class TransitionNotAllowed(Conflict):
    """The case is not in a state from which this step can be taken (409)."""

    code = "transition_not_allowed"
    title = "当前状态不能执行此操作"


class GuardFailed(Conflict):
    """The step's condition (guard) is not met (409)."""

    code = "guard_failed"
    title = "条件不满足"
