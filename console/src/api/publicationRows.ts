import type { components as finance } from "./finance";

// 校务公开 publications a union records on its finance desk, as finance's OpenAPI declares them (npm run types).
type F = finance["schemas"];
export type RecordDisclosure = F["RecordDisclosure"];
export type PublicationRecorded = F["PublicationOut"];
export type PublicationChannel = RecordDisclosure["channel"];

export const CHANNELS: PublicationChannel[] = ["notice_board", "staff_congress", "website", "other"];

/** Finance's TREASURERS (service_layer/permissions.py): who records a union's publication on its own books. */
export const PUBLICATION_RECORDERS = ["federation_admin", "union_officer"];
