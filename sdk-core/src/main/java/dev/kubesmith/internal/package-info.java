/**
 * Helpers the kubesmith modules share. Not part of the SDK's API: anything here may change or go
 * in any release.
 */
package dev.kubesmith.internal;
