/**
 * TCP sockets for application threads over the single-threaded engine: a many-producer command ring, a pair of
 * single-producer byte rings per connection, and a pump on the stack thread ({@link io.ustack.tcp.socket.TcpSocketLayer}).
 */
package io.ustack.tcp.socket;
