/** Risk controls of the live engine: the circuit breaker. */
export * from "./circuit_breaker";
