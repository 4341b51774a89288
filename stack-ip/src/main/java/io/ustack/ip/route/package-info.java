/** The route table: connected subnets, static routes and a default gateway, looked up by longest prefix. */
package io.ustack.ip.route;
