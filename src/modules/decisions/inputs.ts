/** What a staff member sends for each decision, as the routes read it from the form. */
export interface ApproveInput { school: string; years: string; renew: boolean }
export interface DenyInput { reasons: string[]; note: string; appealRight: string }
export interface InfoInput { message: string; docCodes: string[]; dueOn: string }
export interface RevokeInput { reasons: string[]; note: string }
export interface AppealInput { filedOn: string }
export interface OutcomeInput { outcome: string; outcomeOn: string; note: string }
