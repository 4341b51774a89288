package io.ustack.api.archfixture;

import io.ustack.runtime.Stack;

/** Test fixture: a class in an api package that depends on the runtime, which the layer rule must reject. */
public final class ApiTypeThatReachesUp
{
    private ApiTypeThatReachesUp()
    {
    }

    /** Uses the runtime, as stack-api never may. */
    public static String stackName(final Stack stack)
    {
        return stack.config().name();
    }
}
