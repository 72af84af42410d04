import { createContext, useContext } from "react";
import type { Claims } from "./auth";

export interface Session {
  claims: Claims;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside the signed-in part of the app");
  return session;
}
