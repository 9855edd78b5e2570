#!/bin/sh
# Namespace with 30 days of retention, and ClosedLoop's custom search attributes (idempotent).
set -eu
temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$NAMESPACE" --retention 30d
for sa in TicketId=Keyword ExternalTicketId=Keyword ComplaintStage=Keyword Channel=Keyword VipLevel=Int \
  Region=Keyword SlaBreached=Bool SlaState=Keyword; do
  temporal operator search-attribute create --namespace "$NAMESPACE" --name "${sa%%=*}" --type "${sa##*=}" || true
done
