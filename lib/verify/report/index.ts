// The platform report: one self-contained HTML file generated at synth (architecture, GPU
// capacity, cost per pool, team and served model, network flows).
export * from './platform-report';
