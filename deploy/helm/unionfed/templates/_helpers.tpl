{{- define "unionfed.labels" -}}
app.kubernetes.io/part-of: unionfed
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{/* The CloudNativePG cluster of a service ("membership") or of Keycloak ("keycloak"). */}}
{{- define "unionfed.db" -}}{{ .root.Release.Name }}-{{ .name }}-db{{- end }}

{{/* The scram listener (SCRAM-SHA-512 over TLS): every Kafka client of the platform authenticates. */}}
{{- define "unionfed.kafkaBootstrap" -}}{{ .Values.kafka.name }}-kafka-bootstrap:9094{{- end }}

{{/* Where a pod finds the Strimzi cluster CA that signs the brokers' certificates. */}}
{{- define "unionfed.kafkaCaFile" -}}/etc/unionfed/kafka-ca/ca.crt{{- end }}

{{/* Pod and container security every workload of the chart shares. */}}
{{- define "unionfed.podSecurity" -}}
securityContext:
  {{- toYaml .Values.defaults.podSecurityContext | nindent 2 }}
{{- end }}

{{- define "unionfed.containerSecurity" -}}
securityContext:
  {{- toYaml .Values.defaults.securityContext | nindent 2 }}
{{- end }}

{{/* The service's settings (README, Configuration), under its prefix. ctx: root, name, svc. */}}
{{- define "unionfed.serviceEnv" -}}
{{- $p := upper .name -}}
{{- $root := .root -}}
- name: DB_USER
  valueFrom: {secretKeyRef: {name: {{ include "unionfed.db" (dict "root" $root "name" .name) }}-app, key: username}}
- name: DB_PASSWORD
  valueFrom: {secretKeyRef: {name: {{ include "unionfed.db" (dict "root" $root "name" .name) }}-app, key: password}}
- name: {{ $p }}_DATABASE_URL
  value: "postgresql+asyncpg://$(DB_USER):$(DB_PASSWORD)@{{ include "unionfed.db" (dict "root" $root "name" .name) }}-rw:5432/{{ .name }}"
- name: {{ $p }}_KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "unionfed.kafkaBootstrap" $root | quote }}
# The service's KafkaUser (kafka.yaml): Strimzi keeps its SCRAM password in a Secret of the same name.
- name: {{ $p }}_KAFKA_SECURITY_PROTOCOL
  value: SASL_SSL
- name: {{ $p }}_KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: {{ $p }}_KAFKA_SASL_USERNAME
  value: unionfed-{{ .name }}
- name: {{ $p }}_KAFKA_SASL_PASSWORD
  valueFrom: {secretKeyRef: {name: unionfed-{{ .name }}, key: password}}
- name: {{ $p }}_KAFKA_SSL_CAFILE
  value: {{ include "unionfed.kafkaCaFile" $root | quote }}
- name: {{ $p }}_HTTP_HOST
  value: "0.0.0.0"
- name: {{ $p }}_HTTP_PORT
  value: {{ .svc.port | quote }}
- name: {{ $p }}_JWT_SECRET
  valueFrom: {secretKeyRef: {name: {{ $root.Values.secrets.name }}, key: jwt-secret}}
- name: {{ $p }}_JWKS_URL
  value: "http://{{ $root.Values.keycloak.name }}-service:8080/auth/realms/unionfed/protocol/openid-connect/certs"
- name: {{ $p }}_JWKS_ALLOW_HTTP
  value: "true"
- name: {{ $p }}_JWT_ISSUER
  value: "https://{{ $root.Values.host }}/auth/realms/unionfed"
- name: {{ $p }}_JWT_AUDIENCE
  value: unionfed
- name: {{ $p }}_OTLP_ENDPOINT
  value: "http://{{ $root.Release.Name }}-otel-collector:4318"
- name: {{ $p }}_SCHEDULES_ENABLED
  value: {{ (not $root.Values.schedules.cronJobs) | quote }}
- name: {{ $p }}_SCHEDULE_TIME_ZONE
  value: {{ $root.Values.schedules.timeZone | quote }}
- name: XDG_CACHE_HOME
  value: /tmp/.cache
{{- if eq .name "membership" }}
- name: MEMBERSHIP_PII_KEY
  valueFrom: {secretKeyRef: {name: {{ $root.Values.secrets.name }}, key: pii-key}}
- name: MEMBERSHIP_KEYCLOAK_URL
  value: "http://{{ $root.Values.keycloak.name }}-service:8080/auth"
- name: MEMBERSHIP_KEYCLOAK_CLIENT_SECRET
  valueFrom: {secretKeyRef: {name: {{ $root.Values.secrets.name }}, key: membership-keycloak-client-secret}}
{{- end }}
{{- if eq .name "finance" }}
- name: FINANCE_HEAD_SIGNING_KEY_FILE
  value: /etc/unionfed/head-key/key.pem
- name: FINANCE_DISCLOSURE_CHECK_URL
  value: "https://{{ $root.Values.host }}/api/finance/v1/public/disclosure-check"
{{- end }}
{{- with .svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "unionfed.serviceVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: kafka-ca
  mountPath: /etc/unionfed/kafka-ca
  readOnly: true
{{- if eq .name "finance" }}
- name: head-key
  mountPath: /etc/unionfed/head-key
  readOnly: true
{{- end }}
{{- end }}

{{- define "unionfed.serviceVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.defaults.tmpSize }}
- name: kafka-ca
  secret:
    secretName: {{ .root.Values.kafka.name }}-cluster-ca-cert
    items: [{key: ca.crt, path: ca.crt}]
{{- if eq .name "finance" }}
- name: head-key
  secret:
    secretName: {{ .root.Values.secrets.financeHeadKey }}
    defaultMode: 0400
{{- end }}
{{- end }}

{{/* A one-shot of a service (migration, daily job): same image, settings, security. */}}
{{- define "unionfed.jobPod" -}}
metadata:
  labels:
    {{- include "unionfed.labels" .root | nindent 4 }}
    unionfed.io/service: {{ .name }}
    app.kubernetes.io/component: {{ .name }}-{{ .component }}
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- include "unionfed.podSecurity" .root | nindent 2 }}
  containers:
    - name: {{ .component }}
      image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
      imagePullPolicy: {{ .root.Values.image.pullPolicy }}
      args: {{ toJson .args }}
      env:
        {{- include "unionfed.serviceEnv" . | nindent 8 }}
      {{- include "unionfed.containerSecurity" .root | nindent 6 }}
      resources:
        requests: {cpu: 100m, memory: 256Mi}
        limits: {cpu: "1", memory: 1Gi}
      volumeMounts:
        {{- include "unionfed.serviceVolumeMounts" . | nindent 8 }}
  volumes:
    {{- include "unionfed.serviceVolumes" . | nindent 4 }}
{{- end }}
