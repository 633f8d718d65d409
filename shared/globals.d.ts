// Base64 helpers that both runtimes of shared/ provide (browsers, and Node.js since 16), declared
// here because shared/ is checked with neither the DOM's nor Node's types.
declare function btoa(data: string): string;
declare function atob(data: string): string;
