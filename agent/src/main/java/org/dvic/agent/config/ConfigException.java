package org.dvic.agent.config;

/** The configuration cannot be used; the message says which key and why (never a secret's value). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
