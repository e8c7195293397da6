export { TenantBudgetSection } from './TenantBudgetSection';
export { BudgetEditor } from './BudgetEditor';
export type { BudgetEditorProps } from './BudgetEditor';
