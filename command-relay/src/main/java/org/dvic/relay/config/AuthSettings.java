package org.dvic.relay.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Duration;

/** {@code dvic.relay.auth.*}: sessions, login throttling, password hashing. No secret has a default. */
@ConfigurationProperties("dvic.relay.auth")
public class AuthSettings {
    @NotBlank(message = "dvic.relay.auth.session-secret (DVIC_RELAY_AUTH_SESSION_SECRET) is required:"
            + " at least 32 random characters, the same on every relay instance")
    @Size(min = 32, message = "dvic.relay.auth.session-secret must be at least 32 characters")
    private String sessionSecret;
    @NotNull
    private Duration sessionTtl = Duration.ofHours(12);
    @NotBlank
    @Pattern(regexp = "auto|true|false", message = "dvic.relay.auth.secure-cookie must be auto, true or false")
    private String secureCookie = "auto";
    @Min(1)
    private int loginAttempts = 10;
    @NotNull
    private Duration loginWindow = Duration.ofMinutes(5);
    @Min(8)
    @Max(1 << 22)
    private int argon2MemoryKb = 19456;
    @Min(1)
    @Max(20)
    private int argon2Iterations = 2;

    public String getSessionSecret() {
        return sessionSecret;
    }

    public void setSessionSecret(String sessionSecret) {
        this.sessionSecret = sessionSecret;
    }

    public Duration getSessionTtl() {
        return sessionTtl;
    }

    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    public String getSecureCookie() {
        return secureCookie;
    }

    public void setSecureCookie(String secureCookie) {
        this.secureCookie = secureCookie;
    }

    public int getLoginAttempts() {
        return loginAttempts;
    }

    public void setLoginAttempts(int loginAttempts) {
        this.loginAttempts = loginAttempts;
    }

    public Duration getLoginWindow() {
        return loginWindow;
    }

    public void setLoginWindow(Duration loginWindow) {
        this.loginWindow = loginWindow;
    }

    public int getArgon2MemoryKb() {
        return argon2MemoryKb;
    }

    public void setArgon2MemoryKb(int argon2MemoryKb) {
        this.argon2MemoryKb = argon2MemoryKb;
    }

    public int getArgon2Iterations() {
        return argon2Iterations;
    }

    public void setArgon2Iterations(int argon2Iterations) {
        this.argon2Iterations = argon2Iterations;
    }
}
