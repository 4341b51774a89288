package io.ustack.cli.bench;

import java.util.Locale;

/** The link axis of {@code ustack bench}: what joins the two ustack stacks. */
enum LinkKind
{
    /** The in-memory wire, both stacks in this JVM, no impairments: nothing but the stacks is measured. */
    MEMORY("in-memory wire (no impairments)", false),
    /** A veth pair between two private network namespaces, each stack on one end through AF_PACKET. */
    AF_PACKET("AF_PACKET on each end of a veth pair between two private network namespaces, offloads off", true),
    /** A TAP interface per stack, both ports of a Linux bridge in a private network namespace. */
    TAP("a TAP interface per stack, joined by a Linux bridge in a private network namespace", true);

    private final String description;
    private final boolean needsRoot;

    LinkKind(final String description, final boolean needsRoot)
    {
        this.description = description;
        this.needsRoot = needsRoot;
    }

    /** One phrase on how the stacks are joined, for the results. */
    String description()
    {
        return description;
    }

    /** True when the link needs root: network namespaces, AF_PACKET sockets, TAP interfaces. */
    boolean needsRoot()
    {
        return needsRoot;
    }

    /** As the command line spells it: memory, af_packet, tap. */
    String optionName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
