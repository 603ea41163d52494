{#- Φ(−|x|), the standard normal lower tail at minus the absolute value, to a few units in the last place of a
    double: relative error below 1e-15 for every |x| up to 37.5, measured against 50-digit values
    (tests/macros/statistics/assert_normal_tail_matches_reference_table.sql), so that small p-values keep their
    digits where 1 − Φ(z) would cancel.

    Φ(−|x|) = erfc(y) / 2 with y = |x|/√2, by W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
    approximations for the error function", Math. Comp. 23 (1969) 631–637), in the three ranges and with the
    coefficients of his CALERF (SPECFUN, netlib, 1990; 18 digits, checked digit for digit against two independent
    translations of it), which approximate erf and erfc to 18 or more significant digits:
    - y <= 0.46875: erfc(y) = 1 − erf(y), erf(y) = y · A(y²) / B(y²);
    - 0.46875 < y <= 4: erfc(y) = exp(−y²) · C(y) / D(y);
    - y > 4: erfc(y) = exp(−y²) / y · (1/√π − z · P(z) / Q(z)), z = 1/y².
    The range switches are at |x| = 0.46875·√2 and 4·√2. exp(−y²) = exp(−x²/2) is taken as
    exp(−xs²/2) · exp(−(|x| − xs)(|x| + xs)/2) with xs = floor(16|x|)/16 (Cody's device: xs²/2 is exact, so the
    large exponent carries no rounding error). The split is on x, not on y, because rounding x/√2 would cost up to
    x²/2 ulps of relative accuracy in the far tail (1.5e-13 at x = 37); the rational parts, in y, are insensitive
    to that rounding.
    From |x| of about 37.52 on, Φ(−|x|) is below the smallest normal double: the result is then a subnormal
    number, right to about its spacing (4.9e-324) rather than to 1e-15 relative; beyond |x| = 38.5, where
    Φ(−|x|) < 1.5e-324 rounds to zero, it is exactly 0.0.
    Plain arithmetic, abs, floor and exp only, so the SQL runs on any engine. Where the engine can hold it as a
    function of its own (DuckDB: a SQL macro created at the start of every run, macros/functions/), a call is
    written instead of the expression (create_sql_functions). -#}
{% macro normal_lower_tail(x) -%}
    {{ return(adapter.dispatch('normal_lower_tail', 'sc_monitoring')(x)) }}
{%- endmacro %}

{% macro default__normal_lower_tail(x) -%}
    {{ normal_lower_tail_expression(x) }}
{%- endmacro %}

{% macro duckdb__normal_lower_tail(x) -%}
    sc_normal_lower_tail({{ x }})
{%- endmacro %}

{#- The expression itself. `x` must be a column or a parenthesised expression: it is repeated (about 65 times). -#}
{% macro normal_lower_tail_expression(x) -%}
    {#- Coefficients in Horner order, highest power first (Cody's names in brackets); B, D and Q are monic. -#}
    {%- set a_coefficients = [
        '1.85777706184603153e-1', '3.16112374387056560e0', '1.13864154151050156e2',
        '3.77485237685302021e2', '3.20937758913846947e3'
    ] -%}{#- [A5, A1, A2, A3, A4] -#}
    {%- set b_coefficients = [
        '2.36012909523441209e1', '2.44024637934444173e2', '1.28261652607737228e3', '2.84423683343917062e3'
    ] -%}{#- [B1 .. B4] -#}
    {%- set c_coefficients = [
        '2.15311535474403846e-8', '5.64188496988670089e-1', '8.88314979438837594e0', '6.61191906371416295e1',
        '2.98635138197400131e2', '8.81952221241769090e2', '1.71204761263407058e3', '2.05107837782607147e3',
        '1.23033935479799725e3'
    ] -%}{#- [C9, C1 .. C8] -#}
    {%- set d_coefficients = [
        '1.57449261107098347e1', '1.17693950891312499e2', '5.37181101862009858e2', '1.62138957456669019e3',
        '3.29079923573345963e3', '4.36261909014324716e3', '3.43936767414372164e3', '1.23033935480374942e3'
    ] -%}{#- [D1 .. D8] -#}
    {%- set p_coefficients = [
        '1.63153871373020978e-2', '3.05326634961232344e-1', '3.60344899949804439e-1', '1.25781726111229246e-1',
        '1.60837851487422766e-2', '6.58749161529837803e-4'
    ] -%}{#- [P6, P1 .. P5] -#}
    {%- set q_coefficients = [
        '2.56852019228982242e0', '1.87295284992346047e0', '5.27905102951428412e-1', '6.05183413124413191e-2',
        '2.33520497626869185e-3'
    ] -%}{#- [Q1 .. Q5] -#}
    {%- set absolute = 'abs(' ~ x ~ ')' -%}
    {%- set y = '(' ~ absolute ~ ' * 7.0710678118654752440e-1)' -%}
    {%- set y_squared = '((' ~ x ~ ') * (' ~ x ~ ') * 0.5)' -%}
    {%- set inverse_y_squared = '(2.0 / ((' ~ x ~ ') * (' ~ x ~ ')))' -%}
    {%- set sixteenths = '(floor(16.0 * ' ~ absolute ~ ') / 16.0)' -%}
    {%- set polynomials = namespace(a='', b='', c='', d='', p='', q='') -%}
    {%- set polynomials.a = a_coefficients[0] -%}
    {%- for coefficient in a_coefficients[1:] -%}
        {%- set polynomials.a = '(' ~ polynomials.a ~ ') * ' ~ y_squared ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    {%- set polynomials.b = y_squared ~ ' + ' ~ b_coefficients[0] -%}
    {%- for coefficient in b_coefficients[1:] -%}
        {%- set polynomials.b = '(' ~ polynomials.b ~ ') * ' ~ y_squared ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    {%- set polynomials.c = c_coefficients[0] -%}
    {%- for coefficient in c_coefficients[1:] -%}
        {%- set polynomials.c = '(' ~ polynomials.c ~ ') * ' ~ y ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    {%- set polynomials.d = y ~ ' + ' ~ d_coefficients[0] -%}
    {%- for coefficient in d_coefficients[1:] -%}
        {%- set polynomials.d = '(' ~ polynomials.d ~ ') * ' ~ y ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    {%- set polynomials.p = p_coefficients[0] -%}
    {%- for coefficient in p_coefficients[1:] -%}
        {%- set polynomials.p = '(' ~ polynomials.p ~ ') * ' ~ inverse_y_squared ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    {%- set polynomials.q = inverse_y_squared ~ ' + ' ~ q_coefficients[0] -%}
    {%- for coefficient in q_coefficients[1:] -%}
        {%- set polynomials.q = '(' ~ polynomials.q ~ ') * ' ~ inverse_y_squared ~ ' + ' ~ coefficient -%}
    {%- endfor -%}
    case
        when {{ absolute }} > 38.5 then 0.0
        when {{ absolute }} <= 6.629126073623883e-1
            {#- 1/2 − erf(y)/2, erf(y)/2 = |x| · (1/(2√2)) · A(y²) / B(y²) #}
            then 0.5 - {{ absolute }} * 3.5355339059327376220e-1 * ({{ polynomials.a }}) / ({{ polynomials.b }})
        else
            0.5
            * exp(-{{ sixteenths }} * {{ sixteenths }} * 0.5)
            * exp(-({{ absolute }} - {{ sixteenths }}) * ({{ absolute }} + {{ sixteenths }}) * 0.5)
            * case
                when {{ absolute }} <= 5.656854249492381e0
                    then ({{ polynomials.c }}) / ({{ polynomials.d }})
                else
                    (5.6418958354775628695e-1 - {{ inverse_y_squared }} * ({{ polynomials.p }}) / ({{ polynomials.q }}))
                    / {{ y }}
            end
    end
{%- endmacro %}
