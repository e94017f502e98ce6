// The central tests and the benchmark run the same throwaway PostgreSQL cluster.
export { POSTGRES_MISSING, postgresBinDir, TestPostgres } from '../../tools/central/cluster.ts';
