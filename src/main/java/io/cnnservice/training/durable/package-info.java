/**
 * Jobs that outlive processes: leases on a shared store, checkpoints, the book of every
 * job this process knows, and taking up the jobs of a process that died.
 */
package io.cnnservice.training.durable;
