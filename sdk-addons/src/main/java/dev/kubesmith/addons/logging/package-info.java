/** Logging addon: Elasticsearch, Kibana, fluent-bit and an index-cleanup CronJob ({@link dev.kubesmith.addons.logging.Logging}). */
package dev.kubesmith.addons.logging;
