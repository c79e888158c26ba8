import { detectNeutralForm } from './neutral-forms';

describe(detectNeutralForm.name, () => {
  it.each([
    ['Est-ce que Fleurie Cosmetics livre en Belgique ?', 'question'],
    ['Comparatif des marques bio : Fleurie et les autres, qui s’en sort le mieux ?', 'question'],
    ['Combien coûte la minute chez Voltaway maintenant ?', 'question'],
    ['Does Fleurie Cosmetics ship to Canada?', 'question'],
    ['Where are you allowed to park a Voltaway near the station?', 'question'],
    ['Bonjour, nous sommes désolés ! Envoyez-nous l’identifiant de la trottinette en privé.', 'service reply'],
    ['Merci pour le signalement, une équipe terrain passe dans l’heure.', 'service reply'],
    ['Votre santé passe avant tout : arrêtez le produit et contactez-nous en privé.', 'service reply'],
    ['Hi, really sorry about that! DM us the scooter ID and we will look into it right away.', 'service reply'],
    ['Thanks for flagging, a street team is on its way.', 'service reply'],
    ['We are so sorry, could you send us your order number?', 'service reply'],
    ['NOUS SOMMES DÉSOLÉS, notre équipe vous répond au plus vite', 'service reply'],
    ['#merci pour votre patience, le service reprend', 'service reply'],
  ])('reads %j as a %s', (text, form) => {
    expect(detectNeutralForm(text)).toBe(form);
  });

  it.each([
    'Pourquoi mon remboursement n’est toujours pas arrivé ?',
    'Why is my refund still not here??',
    'Le pass mensuel Voltaway est rentabilisé en une semaine, trop bien',
    'Worst customer service ever',
    'Sorry but this cream is awful',
    '@notre_equipe_fan qui a vu le match hier',
  ])('finds no neutral form in %j', (text) => {
    expect(detectNeutralForm(text)).toBeUndefined();
  });
});
