/**
 * The networks the service can build (block factories for MLP, LeNet, VGG, ResNet...),
 * their layer tables, and the budget that refuses a network too big for the machine.
 */
package io.cnnservice.architectures;
