// The run workflow of generations 1 to 3 (workflows/legacy) imports the ledger by its old name and stays byte-for-byte.
export { RunLedger as RunRecord } from './run-ledger';
